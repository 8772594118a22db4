/**
 * Firth Groq API: the key Groq's API wants (course: "Create API Key – groq.com"; the Python
 * example reads it from GROQ_API_KEY). Used by the Firth Chat Model and Generate nodes; the key is
 * sent only to Groq and redacted from every error and output.
 */
import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

export class FirthGroqApi implements ICredentialType {
  name = 'firthGroqApi';

  displayName = 'Firth Groq API';

  icon = { light: 'file:firthGroqApi.svg', dark: 'file:firthGroqApi.dark.svg' } as const;

  documentationUrl =
    'https://github.com/firth-dev/firth/blob/main/packages/n8n-nodes-firth/README.md#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description: 'A key from https://console.groq.com/keys (what GROQ_API_KEY holds)',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
  };

  test: ICredentialTestRequest = {
    request: { baseURL: 'https://api.groq.com/openai/v1', url: '/models' },
  };
}
