"""Tests run against the installed wordvec, not the source folder beside this file.

``python -m pytest`` puts the working folder first on ``sys.path``, where ``wordvec/``
(the sources, without the compiled extension modules the installed wheel carries)
would shadow the installed package.  That folder is moved to the end of the path: the
installed package wins where there is one (an editable install maps to this folder
anyway), and ``tests.*`` stays importable.  CI checks which copy ran
(``tests/test_backend.py``).
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]
