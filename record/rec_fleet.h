/* rec_fleet: the `sysrec fleet ...` subcommands (docs/fleet.md). */
#ifndef REC_FLEET_H
#define REC_FLEET_H

/* argv[0] is "fleet"; returns the exit status. */
int rec_fleet_main(int argc, char **argv);

struct fleet_cfg;
struct out_conf;
struct sr_err;
/* With a fleet configured, the alerts go to its stream too: the outputs'
 * JetStream output on sysrec.<host>.alerts (message id = the alert's uuid),
 * unless the nats output is configured (outputs.nats, --alert-nats) or
 * fleet.alerts is false. Strings go into oc's arena. */
int rec_fleet_alerts(struct out_conf *oc, const struct fleet_cfg *f, const char *hostname,
		     struct sr_err *err);

#endif
