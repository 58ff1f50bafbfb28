"""Operations for administrators: dead letters and their replay, circuit breakers, the audit log."""
