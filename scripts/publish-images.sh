#!/usr/bin/env bash
# Builds the container images of the services and the gateway with the .NET SDK (no Docker needed) and pushes them to
# REGISTRY as <registry>/mensi/<service>:TAG, the names `publish kubernetes --image-prefix <registry>/mensi/` writes.
# Needs the registry and the base images (mcr.microsoft.com/dotnet/aspnet) to be reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
registry=${1:?usage: scripts/publish-images.sh REGISTRY [TAG]}
tag=${2:-latest}
for project in services/Identity services/Registry services/Clusters services/Courses services/Community services/Policy gateway; do
  dotnet publish "$project" -c Release -t:PublishContainer -p:ContainerRegistry="$registry" -p:ContainerImageTag="$tag"
done
