"""`python -m gateway.cli` is `woonbrug`."""

from gateway.cli import main

main()
