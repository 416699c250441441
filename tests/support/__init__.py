"""What the tests share: constants, the isolated environment, store factories, the real command line, the
PostgreSQL server, the terminal. Test modules and conftests import from here, never from one another."""
