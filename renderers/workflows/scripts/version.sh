# The image's version from git, for every SemVer 2.0 tag form (https://semver.org/#backusnaur-form-grammar-for-valid-semver-versions):
# - a pushed tag vX.Y.Z, vX.Y.Z-rc.1, vX.Y.Z+build.7: exactly that version (a release publishes itself);
# - a commit carrying such a tag: that version (a final release before a pre-release);
# - release/X.Y.Z: the release candidate X.Y.Z-rc.<commits since the last final release>;
# - elsewhere: <next patch after the last final release>-dev.<commits since it>.
# Only final releases (no pre-release part) are bases; tags that are not SemVer are ignored with a
# notice, since the tag ruleset keeps them forever. Outputs: version (SemVer), image-tag (the
# version as an OCI tag: '+' is not allowed there and becomes '_'), release (true for a final
# release tag push), minor (X.Y of a final release, else empty).
identifier='(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)'
semver="^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-$identifier(\.$identifier)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\$"
final='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\+[0-9A-Za-z.-]+)?$'

# TAGS...: the versions (without v) of the tags that are final releases, highest first.
finals() {
  local tag
  for tag in "$@"; do
    if [[ ${tag#v} =~ $final ]]; then
      echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${tag#v}"
    fi
  done | sort -k1,1nr -k2,2nr -k3,3nr | cut -d' ' -f4
}

mapfile -t merged < <(git tag --merged HEAD --list 'v*')
for tag in "${merged[@]}"; do
  if ! [[ ${tag#v} =~ $semver ]]; then
    echo "::notice::Tag $tag is not v + a semantic version: ignored for versioning"
  fi
done
latest=$(finals "${merged[@]}" | head -n 1)
if [ -n "$latest" ]; then
  distance=$(git rev-list --count "v$latest..HEAD")
  [[ $latest =~ $final ]]
  next_patch="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))"
else
  distance=$(git rev-list --count HEAD)
  next_patch=0.0.1
fi

release=false
case "$GITHUB_REF" in
  refs/tags/v*)
    version=${GITHUB_REF#refs/tags/v}
    [[ $version =~ $semver ]] || {
      echo "::error::Tag ${GITHUB_REF#refs/tags/} is not v + a semantic version (vMAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]): nothing to publish"
      exit 1
    }
    if [[ $version =~ $final ]]; then
      release=true
    fi
    ;;
  refs/heads/release/*)
    candidate=${GITHUB_REF#refs/heads/release/}
    candidate=${candidate#v}
    [[ $candidate =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || {
      echo "::error::Release branches are named release/MAJOR.MINOR.PATCH"
      exit 1
    }
    version="$candidate-rc.$distance"
    ;;
  *)
    mapfile -t here < <(git tag --points-at HEAD --list 'v*')
    version=$(finals "${here[@]}" | head -n 1)
    if [ -z "$version" ]; then
      for tag in "${here[@]}"; do
        if [[ ${tag#v} =~ $semver ]]; then
          version=${tag#v}
        fi
      done
    fi
    [ -n "$version" ] || version="$next_patch-dev.$distance"
    ;;
esac
minor=""
if [ "$release" = true ]; then
  [[ $version =~ $final ]]
  minor="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
fi
echo "Version: $version"
{
  echo "version=$version"
  echo "image-tag=${version//+/_}"
  echo "release=$release"
  echo "minor=$minor"
} >> "$GITHUB_OUTPUT"
