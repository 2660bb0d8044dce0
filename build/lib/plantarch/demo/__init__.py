"""The fictional demo plant (Riverside Packaging) and the end-to-end `plantarch demo` chain."""

from plantarch.demo.plant_model import DEMO_REFERENCE_DATE, demo_plant_dir, load_demo_model

__all__ = ["DEMO_REFERENCE_DATE", "demo_plant_dir", "load_demo_model"]
