"""Scaling out: a process pool on one machine (pool.py) and Ray Data across machines (ray.py)."""
