"""Exports: a device's consumption as rows over local days, and the signed download tickets."""
