/** The PostgreSQL schema the auth service owns; it touches no other. */
export const AUTH_SCHEMA = 'auth';
