"""`python -m autograd_xor` runs the `autograd-xor` command."""
import sys

from .cli import main

sys.exit(main())
