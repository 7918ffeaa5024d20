//! CONTRACT Part A reproduced exactly: simulated Sovereign provisioning runs served the
//! way the real `catalyst-api` serves them, quirks included.
