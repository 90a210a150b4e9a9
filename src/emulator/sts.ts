/**
 * The slice of AWS STS the operator uses: AssumeRole and GetCallerIdentity.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Just enough of AWS STS (query protocol, XML answers) for an operator that assumes a role per namespace:
 * AssumeRole and GetCallerIdentity. Issued keys are remembered so the emulator can tell which principal
 * signed each Personalize call.
 */
export class StsEmulator {
  /** Temporary access key id → assumed role ARN. */
  readonly assumed = new Map<string, string>();

  constructor(private readonly account: string) {}

  handle(body: string, accessKeyId: string): { status: number; xml: string } {
    const params = new URLSearchParams(body);
    const action = params.get('Action');
    const requestId = randomUUID();
    try {
      if (action === 'AssumeRole') return { status: 200, xml: this.assumeRole(params, requestId) };
      if (action === 'GetCallerIdentity')
        return { status: 200, xml: this.callerIdentity(accessKeyId, requestId) };
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action ?? '(none)'} for version 2011-06-15`,
      );
    } catch (err) {
      if (!(err instanceof StsError)) throw err;
      return {
        status: 400,
        xml: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
  }

  private assumeRole(params: URLSearchParams, requestId: string): string {
    const roleArn = params.get('RoleArn') ?? '';
    const session = params.get('RoleSessionName') ?? '';
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
    if (!role)
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint`,
      );
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint`,
      );
    }
    if (!(duration >= 900 && duration <= 43200)) {
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint`,
      );
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.assumed.set(accessKeyId, roleArn);
    const expiration = new Date(Date.now() + duration * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey><SessionToken>${randomBytes(48).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${session}</AssumedRoleId><Arn>arn:aws:sts::${role[1]}:assumed-role/${role[2]}/${session}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }

  private callerIdentity(accessKeyId: string, requestId: string): string {
    const role = this.assumed.get(accessKeyId);
    const [account, arn] = role
      ? [role.split(':')[4], role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')]
      : [this.account, `arn:aws:iam::${this.account}:user/emulator`];
    return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>${accessKeyId}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
}

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
