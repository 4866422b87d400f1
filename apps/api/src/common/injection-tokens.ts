/** DI tokens. Nest runs without emitted decorator metadata (tsx), so every constructor parameter uses @Inject(token). */
export const API_CONFIG = Symbol('API_CONFIG');
export const STORE = Symbol('STORE');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
