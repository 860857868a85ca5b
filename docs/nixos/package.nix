# ubm as a Nix package, built from a checkout of its repository (this file is docs/nixos/package.nix).
# The first build fails with the right npmDepsHash in its message: paste it in place of lib.fakeHash.
{ lib, buildNpmPackage, nodejs_20 }:
buildNpmPackage {
  pname = "unified-backup-monitoring";
  version = "0.1.0";
  src = ../..;
  nodejs = nodejs_20;
  npmDepsHash = lib.fakeHash;
  meta.mainProgram = "ubm";
}
