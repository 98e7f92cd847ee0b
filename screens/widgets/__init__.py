"""Widgets shared by the screens: the step indicator and check rows (step), the filterable list
(filter_list), the profile table (fast_table), the change view (diff_view) and the details pane
(details). Each is imported from its module, so a screen loads only the widgets it shows."""

__all__ = ["step", "filter_list", "fast_table", "diff_view", "details"]
