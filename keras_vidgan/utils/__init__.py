"""Small utilities shared by several parts of the package."""
