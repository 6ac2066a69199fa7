#ifndef SR_VERSION_H
#define SR_VERSION_H
#define SR_VERSION "0.1.0"
#endif
