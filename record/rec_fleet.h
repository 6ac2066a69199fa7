/* rec_fleet: the `sysrec fleet ...` subcommands (docs/fleet.md). */
#ifndef REC_FLEET_H
#define REC_FLEET_H

/* argv[0] is "fleet"; returns the exit status. */
int rec_fleet_main(int argc, char **argv);

#endif
