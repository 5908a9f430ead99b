import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";

/** The Cognito groups that make people planners or leaders, and the scope that makes a machine an ERP. */
export const PEOPLE_GROUPS = ["planner", "leader"] as const;
export const RESOURCE_SERVER_ID = "segment-focus";
export const INGEST_SCOPE = "ingest";

export interface IdentityProps {
  readonly deletionProtection: boolean;
  /** The prefix of the pool's sign-in domain (…auth.<region>.amazoncognito.com). */
  readonly domainPrefix: string;
  /** Where people come back to after signing in or out. */
  readonly pageUrls: string[];
}

/**
 * Who may call the API: a Cognito user pool of staff accounts (an administrator creates them, TOTP
 * MFA required) in the groups planner and leader, who sign in through the pool's domain with the
 * people's client; and the ERP, a client-credentials client with the ingest scope.
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The client people sign in with (authorization code with PKCE, no secret). */
  readonly people: UserPoolClient;
  /** The client the ERP gets its access tokens with (client credentials, the ingest scope). */
  readonly erp: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, "Users", {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG8",
      reason:
        "The Plus feature plan (threat protection) is billed per monthly active user; this pool holds a few staff accounts, created by an administrator (no self sign-up), with a 12-character password policy and TOTP MFA required.",
    });
    for (const group of PEOPLE_GROUPS) this.userPool.addGroup(`${group}Group`, { groupName: group });
    const ingestScope = new ResourceServerScope({
      scopeName: INGEST_SCOPE,
      scopeDescription: "push batches of invoice lines (the ERP)",
    });
    const resourceServer = this.userPool.addResourceServer("Api", {
      identifier: RESOURCE_SERVER_ID,
      scopes: [ingestScope],
    });
    this.domain = this.userPool.addDomain("SignIn", { cognitoDomain: { domainPrefix: props.domainPrefix } });

    this.people = this.userPool.addClient("People", {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.pageUrls,
        logoutUrls: props.pageUrls,
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
    });
    this.erp = this.userPool.addClient("Erp", {
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, ingestScope)],
      },
      accessTokenValidity: Duration.hours(1),
    });
  }
}
