"""`python -m flopcast ...` runs the CLI (the same as the `flopcast` command)."""

from flopcast.tools.cli import main

raise SystemExit(main())
