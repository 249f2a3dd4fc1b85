/** Where Microsoft Advertising calls get a connection's access token (ConnectionService is one). */
export interface TokenSource {
  /** `forceRefresh`: Microsoft refused the token (109): a new one now. `signal` ends the wait (the refresh itself finishes). */
  accessToken(connectionId: string, options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<string>;
}
