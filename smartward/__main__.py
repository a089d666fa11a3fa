import sys

from smartward.cli import main

sys.exit(main())
