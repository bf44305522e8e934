"""The pure core of dondoc: standard library only, time always passed in.

A test (tests/test_domain_purity.py) fails if anything here imports outside the
standard library or reads the wall clock.
"""
