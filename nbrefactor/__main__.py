import sys

from nbrefactor.cli.replay import main

sys.exit(main())
