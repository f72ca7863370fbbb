import sys

from nbrefactor.cli.app import main

sys.exit(main())
