"""Make the published tables beside these tests importable (`table1`, `published`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
