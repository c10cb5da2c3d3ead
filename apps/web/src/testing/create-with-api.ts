import { HttpTestingController } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider, Type } from '@angular/core';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import type { Mock } from 'vitest';
import { provideApiTesting } from './providers';

/** A component under test, the backend that answers its requests, and where it sent the page. */
export interface ApiFixture<T> {
  fixture: ComponentFixture<T>;
  http: HttpTestingController;
  assign: Mock<(url: string) => void>;
}

/**
 * Creates `component` with the app's HTTP client against the testing backend (see
 * `provideApiTesting`), `providers` added and `inputs` set.
 */
export function createWithApi<T>(
  component: Type<T>,
  {
    providers = [],
    inputs = {},
  }: { providers?: (Provider | EnvironmentProviders)[]; inputs?: Record<string, unknown> } = {},
): ApiFixture<T> {
  const assign = vi.fn<(url: string) => void>();
  TestBed.configureTestingModule({
    imports: [component],
    providers: [...provideApiTesting(assign), ...providers],
  });
  const fixture = TestBed.createComponent(component);
  for (const [name, value] of Object.entries(inputs)) fixture.componentRef.setInput(name, value);
  return { fixture, http: TestBed.inject(HttpTestingController), assign };
}

/**
 * Creates `component` before each test of the enclosing `describe` (see `createWithApi`), and
 * checks after each that the test answered every request it sent. The returned object holds the
 * current test's fixture, backend and `assign`.
 */
export function createEachWithApi<T>(
  component: Type<T>,
  options?: Parameters<typeof createWithApi>[1],
): ApiFixture<T> {
  const current = {} as ApiFixture<T>;
  beforeEach(() => {
    Object.assign(current, createWithApi(component, options));
  });
  afterEach(() => {
    current.http.verify();
  });
  return current;
}
