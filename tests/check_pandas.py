"""Loads the dataset as a researcher would, with pandas, and checks every format has the same rows and text."""
import sys, json
import pandas as pd

out = sys.argv[1]
jl = pd.read_json(f"{out}/documents.jsonl", lines=True, dtype=False)
csv = pd.read_csv(f"{out}/documents.csv", dtype=str, keep_default_na=False)
assert len(jl) == len(csv) > 0, (len(jl), len(csv))
assert list(jl["id"]) == list(csv["id"]), "ids differ between JSONL and CSV"
assert list(jl["text"]) == list(csv["text"]), "text differs between JSONL and CSV"
print(f"pandas: documents.jsonl {len(jl)} rows, documents.csv {len(csv)} rows, ids and text equal")
try:
    import pyarrow  # noqa: F401
    arrow = pd.read_feather(f"{out}/documents.arrow")
    pq = pd.read_parquet(f"{out}/documents.parquet")
    assert list(arrow["text"]) == list(jl["text"]) == list(pq["text"]), "text differs in Arrow/Parquet"
    assert str(pq["n_chars"].dtype).startswith("int"), pq["n_chars"].dtype
    print(f"pandas: documents.arrow {len(arrow)} rows, documents.parquet {len(pq)} rows, text equal")
except ImportError:
    print("pandas: pyarrow not installed, Arrow/Parquet checked by the vitest end-to-end test only")
