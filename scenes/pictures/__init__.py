"""The pictures the chapters show, each built from runs and a layout.

The 2-D and 3-D pictures, the network diagram, the round trip, the prior
panel and the run columns.
"""
