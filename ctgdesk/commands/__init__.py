"""CLI sub-commands. Each module has `register(subparsers)`; cli.py lists the modules."""
