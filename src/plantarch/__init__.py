"""plantarch: one source of truth for a manufacturing plant's IT/OT architecture."""

import os

# plantarch does no dense linear algebra, but numpy's OpenBLAS starts one worker thread per core at
# import, and those threads spin for ~0.1 CPU s before they sleep (measured with perf on pcap
# discovery, issue #3). One thread means none start. Set before numpy is imported; an explicit
# setting by the user wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
