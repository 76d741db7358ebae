# The benchmark gate. Shared runners are noisy: the mean of a few rounds moved by more than 20 %
# on unchanged code, so the gate compares medians (robust against the slow outliers a busy host
# produces) over at least BENCHMARK_MIN_ROUNDS rounds after a warm-up, with a BENCHMARK_TOLERANCE
# noise band (pytest-benchmark's own comparison: --benchmark-compare-fail=median:N%). The baseline
# is the last successful run on main (restored from the cache; saved only when this gate passed
# there, under a key per commit, so nothing is locked or overwritten).
compare=()
if compgen -G ".benchmarks/*/*.json" >/dev/null; then
  compare=(--benchmark-compare "--benchmark-compare-fail=median:$BENCHMARK_TOLERANCE")
else
  echo "::notice::No benchmark baseline yet: this run records one, the next ones compare against it"
fi
uv run pytest -n 0 -o asyncio_mode=auto --benchmark-only --benchmark-autosave \
  --benchmark-warmup=on "--benchmark-min-rounds=$BENCHMARK_MIN_ROUNDS" "${compare[@]}"
