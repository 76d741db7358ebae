compare=()
if compgen -G ".benchmarks/*/*.json" >/dev/null; then
  compare=(--benchmark-compare --benchmark-compare-fail=mean:20%)
else
  echo "::notice::No benchmark baseline yet: this run records one, the next ones compare against it"
fi
uv run pytest -n 0 -o asyncio_mode=auto --benchmark-only --benchmark-autosave "${compare[@]}"
