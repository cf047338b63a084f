"""Cluster-aware training time: layouts, collectives, predicted utilization, layout search."""
