import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "../api.js";

export function SignInPage() {
  const [key, setKey] = useState("");
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: (operatorKey: string) => api("POST", "/session", { key: operatorKey }),
    onSuccess: () => {
      setKey("");
      void queryClient.invalidateQueries({ queryKey: ["session"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(key);
  };
  return (
    <main className="narrow" id="main">
      <h1>Operator console</h1>
      <p>Sign in with the operator key (the value of CONSOLE_OPERATOR_KEY).</p>
      <form onSubmit={submit} className="stack">
        <label htmlFor="operator-key">Operator key</label>
        <input
          id="operator-key"
          name="operator-key"
          type="password"
          autoComplete="current-password"
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={signIn.error ? "sign-in-error" : undefined}
        />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
        {signIn.error ? (
          <p id="sign-in-error" role="alert" className="error" data-testid="sign-in-error">
            {signIn.error.message}
          </p>
        ) : null}
      </form>
    </main>
  );
}
