semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
latest=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null || true)
if [ -n "$latest" ]; then
  base=${latest#v}
  distance=$(git rev-list --count "$latest..HEAD")
else
  base=0.0.0
  distance=$(git rev-list --count HEAD)
fi
[[ $base =~ $semver ]] || { echo "::error::The latest release tag $latest is not vMAJOR.MINOR.PATCH"; exit 1; }
next_patch="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))"
case "$GITHUB_REF" in
  refs/heads/release/*)
    release=${GITHUB_REF#refs/heads/release/}
    release=${release#v}
    [[ $release =~ $semver ]] || { echo "::error::Release branches are named release/MAJOR.MINOR.PATCH"; exit 1; }
    version="$release-rc.$distance"
    ;;
  *)
    if [ -n "$latest" ] && [ "$distance" = 0 ]; then
      version=$base
    else
      version="$next_patch-dev.$distance"
    fi
    ;;
esac
echo "Version: $version"
echo "version=$version" >> "$GITHUB_OUTPUT"
