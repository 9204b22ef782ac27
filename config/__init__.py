"""duban configuration: one Settings object read through one cached accessor."""

from config.settings import ReminderPolicy, Settings, get_settings

__all__ = ["ReminderPolicy", "Settings", "get_settings"]
