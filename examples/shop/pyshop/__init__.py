"""A tiny shop: inventory, pricing and orders."""
