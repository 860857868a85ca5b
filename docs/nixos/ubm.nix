# ubm on a NixOS host (docs/deployment.md, "NixOS"). Import it from configuration.nix and edit the
# `let` block. The restic jobs stay NixOS's own `services.restic.backups`: this module never sets
# their ExecStart= (the module's list: backup, then unlock and forget --prune, then check), it adds
# an ExecStopPost= line that records each run, and asks restic for its --json summary.
{ config, lib, pkgs, ... }:
let
  # ubm built from a checkout of its repository (./package.nix), or any package with bin/ubm.
  ubmPackage = pkgs.callPackage ./package.nix { };
  ubm = "${ubmPackage}/bin/ubm";
  # ubm's default textfile directory; node_exporter is pointed at it below.
  textfileDir = "/var/lib/node_exporter/textfile_collector";
  # services.restic.backups.<name> to record -> the job's repository and interval in the backup
  # config (the job is <name> there too).
  resticJobs = {
    system-home = { repository = "nas-primary"; expectedInterval = "24h"; };
    postgres-pgbackrest = { repository = "r2-offsite"; expectedInterval = "24h"; };
  };
  # The restic job that copies pgBackRest's repository offsite, and its stanza.
  offsiteJob = "postgres-pgbackrest";
  stanza = "main";
  # The design's option tree, as `nix eval --json` prints it: ubm reads it unchanged.
  backupConfig = pkgs.writeText "backup.json" (builtins.toJSON config.modules.services.backup);
  pgbackrestConf = "/etc/pgbackrest/pgbackrest.conf";

  timer = onCalendar: extra: {
    wantedBy = [ "timers.target" ];
    timerConfig = { OnCalendar = onCalendar; Persistent = true; } // extra;
  };
  # A oneshot unit that runs ubm (as root: it writes the textfile directory).
  ubmService = description: path: serviceConfig: {
    inherit description path;
    environment.UBM_TEXTFILE_DIR = textfileDir;
    serviceConfig = { Type = "oneshot"; } // serviceConfig;
  };
  # Records the offsite copy's status from the offsite job's result ($SERVICE_RESULT).
  offsiteStatus = pkgs.writeShellScript "ubm-offsite-status" ''
    status=failure
    if [ "$SERVICE_RESULT" = success ]; then status=success; fi
    exec ${ubm} emit postgres-offsite --stanza ${stanza} --repository ${resticJobs.${offsiteJob}.repository} --status "$status" --textfile-dir ${textfileDir}
  '';
in
{
  environment.systemPackages = [ ubmPackage ];

  services.prometheus.exporters.node = {
    enable = true;
    enabledCollectors = [ "textfile" ];
    extraFlags = [ "--collector.textfile.directory=${textfileDir}" ];
  };
  systemd.tmpfiles.rules = [ "d ${textfileDir} 0755 root root -" ];

  # restic prints its summary as JSON, and a progress line once a minute instead of several a
  # second (NixOS releases without progressFps: set
  # systemd.services."restic-backups-<name>".environment.RESTIC_PROGRESS_FPS = "0.016" instead).
  # Both merge into your own definition of each job; nothing else of the job changes.
  services.restic.backups = builtins.mapAttrs (name: job: {
    extraBackupArgs = [ "--json" ];
    progressFps = 0.016;
  }) resticJobs;

  systemd.services = lib.mapAttrs' (name: job: lib.nameValuePair "restic-backups-${name}" {
    # A list: it is added to the ExecStopPost= the restic module may have. `+` runs ubm as root
    # whatever the job's user; %n is the unit's own name, for its start time.
    serviceConfig.ExecStopPost = [
      "+${ubm} emit backup --from-systemd --unit %n --job ${name} --repository ${job.repository} --expected-interval ${job.expectedInterval} --textfile-dir ${textfileDir}"
    ] ++ lib.optional (name == offsiteJob) "+${offsiteStatus}";
  }) resticJobs // {
    # pgBackRest: record after each backup (success or failure), and hourly.
    "pgbackrest-backup-${stanza}" = {
      description = "pgBackRest backup of stanza ${stanza}";
      after = [ "postgresql.service" ];
      path = [ pkgs.pgbackrest pkgs.util-linux ];
      environment.UBM_TEXTFILE_DIR = textfileDir;
      serviceConfig = {
        Type = "oneshot";
        User = "postgres";
        Group = "postgres";
        ExecStart = "${pkgs.pgbackrest}/bin/pgbackrest --config=${pgbackrestConf} --stanza=${stanza} backup";
        ExecStopPost = "+${ubm} pgbackrest --stanza ${stanza} --pgbackrest-config ${pgbackrestConf} --config ${backupConfig}";
      };
    };
    "ubm-pgbackrest-${stanza}" = ubmService "ubm: record pgBackRest state of stanza ${stanza}" [ pkgs.pgbackrest pkgs.util-linux ] {
      ExecStart = "${ubm} pgbackrest --stanza ${stanza} --pgbackrest-config ${pgbackrestConf} --config ${backupConfig}";
    };
    "ubm-pgbackrest-verify-${stanza}" = ubmService "ubm: verify pgBackRest backups of stanza ${stanza}" [ pkgs.pgbackrest pkgs.util-linux ] {
      ExecStart = "${ubm} pgbackrest --stanza ${stanza} --pgbackrest-config ${pgbackrestConf} --config ${backupConfig} --verify";
      Nice = 10;
      IOSchedulingClass = "idle";
    };
    # Prune each repository on its pruneSchedule (weekly), recorded as a prune. Give the jobs of
    # services.restic.backups no pruneOpts: the restic module would prune after every backup, in
    # the backup's unit, unrecorded (its ExecStopPost= line cannot tell a failed prune from a failed backup).
    restic-prune-nas-primary = ubmService "restic forget --prune of nas-primary, recorded by ubm" [ pkgs.restic ] {
      EnvironmentFile = "/run/secrets/restic-nas-primary.env";
      ExecStart = "${ubm} run --operation prune --repository nas-primary --config ${backupConfig} -- ${pkgs.restic}/bin/restic forget --prune --keep-daily 7 --keep-weekly 5 --keep-monthly 12";
      Nice = 10;
      IOSchedulingClass = "idle";
    };
    # restic check weekly and a sample-restore test monthly (the design's verification schedules).
    ubm-verify-nas-primary = ubmService "ubm: restic check of nas-primary" [ pkgs.restic ] {
      EnvironmentFile = "/run/secrets/restic-nas-primary.env";
      ExecStart = "${ubm} verify --repository nas-primary --read-data-subset 10% --sample-files 0";
      Nice = 10;
      IOSchedulingClass = "idle";
    };
    ubm-restore-test-nas-primary = ubmService "ubm: sample-restore test of nas-primary" [ pkgs.restic ] {
      EnvironmentFile = "/run/secrets/restic-nas-primary.env";
      ExecStart = "${ubm} verify --repository nas-primary --skip-check --sample-files 5 --config ${backupConfig}";
      PrivateTmp = true;
      Nice = 10;
      IOSchedulingClass = "idle";
    };
    # The monitoring self-check, every 5 minutes.
    ubm-health = ubmService "ubm: monitoring self-check" [ ] {
      ExecStart = "${ubm} health --config ${backupConfig}";
    };
    # The monthly compliance report of the last 31 days; exit 1 (not compliant) fails the unit.
    ubm-report = ubmService "ubm: monthly backup compliance report" [ ] {
      StateDirectory = "backup-docs/reports";
      ExecStart = "${ubm} report --prometheus http://127.0.0.1:9090 --config ${backupConfig} --days 31 --format html --out /var/lib/backup-docs/reports/latest.html";
    };
  };

  systemd.timers = {
    "pgbackrest-backup-${stanza}" = timer "*-*-* 01:00:00" { RandomizedDelaySec = "15min"; };
    "ubm-pgbackrest-${stanza}" = timer "hourly" { };
    "ubm-pgbackrest-verify-${stanza}" = timer "weekly" { RandomizedDelaySec = "1h"; };
    restic-prune-nas-primary = timer "Sat *-*-* 05:00:00" { RandomizedDelaySec = "1h"; };
    ubm-verify-nas-primary = timer "Sun *-*-* 03:00:00" { RandomizedDelaySec = "1h"; };
    ubm-restore-test-nas-primary = timer "*-*-01 04:00:00" { RandomizedDelaySec = "1h"; };
    ubm-report = timer "*-*-01 06:00:00" { };
    ubm-health = {
      wantedBy = [ "timers.target" ];
      timerConfig = { OnBootSec = "2min"; OnUnitActiveSec = "5min"; };
    };
  };
}
