# The smallest NixOS hook: record one services.restic.backups job with ubm, leaving the restic
# module's ExecStart= list (backup, forget --prune, check) as it builds it. docs/nixos/ubm.nix does
# this for every job, with the other units.
{ pkgs, ... }:
let
  ubm = pkgs.callPackage ./package.nix { };
in
{
  services.restic.backups.system-home = { extraBackupArgs = [ "--json" ]; progressFps = 0.016; };
  systemd.services.restic-backups-system-home.serviceConfig.ExecStopPost = [
    "+${ubm}/bin/ubm emit backup --from-systemd --unit %n --job system-home --repository nas-primary --expected-interval 24h --textfile-dir /var/lib/node_exporter/textfile_collector"
  ];
}
