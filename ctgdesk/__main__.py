from ctgdesk.cli import main

raise SystemExit(main())
