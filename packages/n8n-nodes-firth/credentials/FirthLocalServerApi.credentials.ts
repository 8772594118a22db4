/**
 * Firth Local Server API: where an OpenAI-compatible server listens — `firth-server` (apps/server,
 * default http://127.0.0.1:8787), llama.cpp, vLLM… — and its key, if it wants one. Used by the
 * Firth Chat Model and Generate nodes with the OpenAI-Compatible provider; without this credential
 * they use http://127.0.0.1:8787 and no key.
 */
import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

export class FirthLocalServerApi implements ICredentialType {
  name = 'firthLocalServerApi';

  displayName = 'Firth Local Server API';

  icon = { light: 'file:firthLocalServerApi.svg', dark: 'file:firthLocalServerApi.dark.svg' } as const;

  documentationUrl =
    'https://github.com/firth-dev/firth/blob/main/packages/n8n-nodes-firth/README.md#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:8787',
      description: 'The server; "/v1" is added when the URL has no path',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Only if the server wants one (firth-server --key)',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "").replace(/^(https?:\\/\\/[^/]+)$/, "$1/v1") }}',
      url: '/models',
    },
  };
}
