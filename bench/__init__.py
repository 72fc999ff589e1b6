"""Benchmarks: each `bench_*.py` module has a `main()` that prints its figures and the ratio to
a baseline measured in the same run (absolute times are noisy on shared machines).
Run them all with `make bench` (`python -m bench`), or one with `python -m bench scoring`."""
