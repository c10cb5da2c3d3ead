import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  InteractionDetails,
  LoginBody as SignInRequest,
  RedirectTo as InteractionRedirect,
  SignupBody as SignUpRequest,
} from '@assay/contracts';
import { firstValueFrom } from 'rxjs';

export type {
  InteractionDetails,
  LoginBody as SignInRequest,
  RedirectTo as InteractionRedirect,
  SignupBody as SignUpRequest,
} from '@assay/contracts';

/** The server's sign-in and sign-up endpoints for one provider interaction. */
@Injectable({ providedIn: 'root' })
export class InteractionApi {
  private readonly http = inject(HttpClient);

  details(uid: string): Promise<InteractionDetails> {
    return firstValueFrom(this.http.get<InteractionDetails>(`${base(uid)}/details`));
  }

  signIn(uid: string, request: SignInRequest): Promise<InteractionRedirect> {
    return firstValueFrom(this.http.post<InteractionRedirect>(`${base(uid)}/login`, request));
  }

  signUp(uid: string, request: SignUpRequest): Promise<InteractionRedirect> {
    return firstValueFrom(this.http.post<InteractionRedirect>(`${base(uid)}/signup`, request));
  }

  abort(uid: string): Promise<InteractionRedirect> {
    return firstValueFrom(this.http.post<InteractionRedirect>(`${base(uid)}/abort`, {}));
  }
}

function base(uid: string): string {
  return `/interaction/${encodeURIComponent(uid)}`;
}

/** The provider forgot the interaction (it expired, or the link was used already). */
export function isExpiredInteraction(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'interaction_not_found' || error.code === 'not_found')
  );
}
