"""milkrun: run a daily-essentials subscription delivery business."""

__version__ = "0.1.0"
