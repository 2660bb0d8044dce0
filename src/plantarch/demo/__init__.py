"""The fictional demo plant and the end-to-end demo chain."""
