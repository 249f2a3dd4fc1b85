/** Where Microsoft Advertising calls get a connection's access token (ConnectionService is one). */
export interface TokenSource {
  /**
   * `forceRefresh`: Microsoft refused the token (109): a new one now. `signal` ends the wait (the refresh itself finishes).
   * `background`: nobody is waiting (a sync run): a refresh takes from the app's token request budget and may be refused.
   */
  accessToken(connectionId: string, options?: { forceRefresh?: boolean; signal?: AbortSignal; background?: boolean }): Promise<string>;
}
