"""Qingdao reference geography: boundaries, village points and map layers."""
