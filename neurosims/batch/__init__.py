"""Many runs of an experiment: sweeps and seed batches on Dask (sweep.py), and a portable
build with job scripts for clusters without Python (export.py: export and collect)."""
