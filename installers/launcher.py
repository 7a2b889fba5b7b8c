"""Entry point of the installed application: PyInstaller freezes this script.

It lives outside the package because freezing ctgdesk/__main__.py would put the ctgdesk/
folder itself on the module search path.
"""

from ctgdesk.cli import main

raise SystemExit(main())
