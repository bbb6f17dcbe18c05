"""Apache Spark: the same metric SQL, translated by SQLGlot (dialect.py), over a dataset written by convert."""
