# Runs a golden case's script.sql on Apache Flink (PyPI apache-flink, its local MiniCluster on
# the installed Java) and prints the rows it writes to ${OUTPUT}/result, sorted: the command
# that made the `expected` files (see README.md). Not part of bin/test.
#
#   python3 -m venv /tmp/flinkenv && /tmp/flinkenv/bin/pip install apache-flink==2.3.0
#   /tmp/flinkenv/bin/python Tests/RivuletSQLTests/Golden/flink_expected.py Tests/RivuletSQLTests/Golden/<case>
#
# A case that writes to a print table (a changelog) runs in streaming mode, and its rows are
# the +I/-U/+U/-D lines the job prints:
#   /tmp/flinkenv/bin/python Tests/RivuletSQLTests/Golden/flink_expected.py <case> streaming | grep -E '^[+-][IUD]\[' 
import glob
import os
import sys
import tempfile

from pyflink.table import EnvironmentSettings, TableEnvironment

case = os.path.abspath(sys.argv[1])
mode = sys.argv[2] if len(sys.argv) > 2 else "batch"
output = tempfile.mkdtemp(prefix="flink-golden-")
text = open(os.path.join(case, "script.sql")).read().replace("${INPUT}", case).replace("${OUTPUT}", output)
settings = EnvironmentSettings.in_batch_mode() if mode == "batch" else EnvironmentSettings.in_streaming_mode()
env = TableEnvironment.create(settings)
env.get_config().set("parallelism.default", "1")
lines = [line for line in text.split("\n") if not line.strip().startswith("--")]
for statement in "\n".join(lines).split(";"):
    if statement.strip():
        result = env.execute_sql(statement)
        if statement.strip().upper().startswith("INSERT"):
            result.wait()
rows = []
if mode == "streaming":
    # The print connector's rows went to standard output (the changelog); see the shell wrapper.
    sys.exit(0)
for name in glob.glob(os.path.join(output, "result", "**", "*"), recursive=True):
    if os.path.isfile(name) and not os.path.basename(name).startswith("."):
        rows += [line for line in open(name).read().split("\n") if line]
print("\n".join(sorted(rows)))
