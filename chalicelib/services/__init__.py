"""Use cases: each takes plain values (and the current session), applies the rules of domain/ and calls store/."""
